/// <reference types="vite/client" />
declare module 'y-monaco';

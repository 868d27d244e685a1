namespace PeerCode.Web.Security;

/// <summary>
/// Headers on every response. The CSP allows what the browser app and the dashboard need and nothing more: scripts and
/// workers from this origin (Monaco's workers are built files; blob: for workers it creates at run time), inline
/// styles (Monaco sets element styles), images and fonts from this origin and data:, the hub (CSP3 'self' covers ws/wss) to this
/// origin; no framing (frame-ancestors 'none' plus X-Frame-Options DENY for old browsers), no referrer (room links keep
/// their token in the fragment, which browsers never send, but a path is still nobody else's business).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(http);
    }
}

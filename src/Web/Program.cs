using PeerCode.Web;

var app = WebApp.Build(args);
app.Run();

/// <summary>Entry point marker for WebApplicationFactory in tests.</summary>
public partial class Program;

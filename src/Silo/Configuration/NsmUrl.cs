namespace SriovForwarder.Silo.Configuration;

/// <summary>Checks the URL forms NSM uses for sockets: <c>unix:///absolute/path</c> and <c>tcp://host:port</c>.</summary>
public static class NsmUrl
{
    private const string Forms = "use unix:///absolute/path or tcp://host:port";

    /// <summary>Checks an NSMgr URL (unix or tcp); returns null and the URL when fine, else the problem.</summary>
    public static string? CheckConnectTo(string text, out Uri? url)
    {
        url = null;
        if (!text.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            return "not a URL; " + Forms;
        }

        if (parsed.Scheme == "unix")
        {
            return CheckUnix(text, out url);
        }

        if (parsed.Scheme != "tcp")
        {
            return $"scheme {EnvSyntax.Quote(parsed.Scheme)} is not supported; {Forms}";
        }

        if (parsed.Host.Length == 0 || parsed.Port <= 0 || parsed.AbsolutePath.Length > 1)
        {
            return "a tcp URL needs a host and a port and nothing else, such as tcp://nsmgr:5001";
        }

        url = parsed;
        return null;
    }

    /// <summary>Checks a <c>unix://</c> socket URL; returns null and the URL when fine, else the problem.</summary>
    public static string? CheckUnix(string text, out Uri? url)
    {
        url = null;
        if (!text.StartsWith("unix:///", StringComparison.Ordinal)
            || !Uri.TryCreate(text, UriKind.Absolute, out var parsed)
            || parsed.Host.Length != 0
            || parsed.AbsolutePath.Length <= 1
            || parsed.AbsolutePath.EndsWith('/')
            || parsed.Query.Length != 0
            || parsed.Fragment.Length != 0)
        {
            return "not a unix socket URL; use unix:///absolute/path/to/file.sock";
        }

        url = parsed;
        return null;
    }

    /// <summary>The socket file path of a <c>unix://</c> URL, with escapes such as <c>%20</c> decoded.</summary>
    public static string SocketPath(Uri url) => Uri.UnescapeDataString(url.AbsolutePath);
}

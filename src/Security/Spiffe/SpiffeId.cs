using System.Diagnostics.CodeAnalysis;

namespace SriovForwarder.Security.Spiffe;

/// <summary>
/// A SPIFFE ID, <c>spiffe://&lt;trust domain&gt;/&lt;path&gt;</c>, checked by the SPIFFE ID rules: scheme
/// <c>spiffe</c>, a lower-case trust domain of letters, digits, <c>.</c>, <c>-</c>, <c>_</c>, no port, user info,
/// query or fragment, and a path (possibly empty) of non-empty segments other than <c>.</c> and <c>..</c>.
/// </summary>
public sealed record SpiffeId
{
    private const string Prefix = "spiffe://";

    private SpiffeId(string trustDomain, string path)
    {
        TrustDomain = trustDomain;
        Path = path;
    }

    /// <summary>The trust domain name, e.g. <c>example.org</c>: the key of its bundle.</summary>
    public string TrustDomain { get; }

    /// <summary>The path with its leading slash, e.g. <c>/ns/nsm-system/sa/forwarder</c>; empty for the trust domain's own ID.</summary>
    public string Path { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static SpiffeId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException($"'{text}' is not a SPIFFE ID: {error}.");

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SpiffeId? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        error = Check(text);
        if (error is not null)
        {
            return false;
        }

        var rest = text![Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        id = slash < 0 ? new SpiffeId(rest, string.Empty) : new SpiffeId(rest[..slash], rest[slash..]);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Prefix + TrustDomain + Path;

    private static string? Check(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "it is empty";
        }

        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return "it does not begin with spiffe://";
        }

        var rest = text[Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var trustDomain = slash < 0 ? rest : rest[..slash];
        if (trustDomain.Length == 0)
        {
            return "the trust domain is empty";
        }

        if (trustDomain.Any(c => !(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-' or '_')))
        {
            return $"the trust domain '{trustDomain}' may hold only lower-case letters, digits, '.', '-' and '_' (no port, user or upper case)";
        }

        if (slash < 0)
        {
            return null;
        }

        foreach (var segment in rest[(slash + 1)..].Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                return "the path has an empty, '.' or '..' segment";
            }

            if (segment.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
            {
                return $"the path segment '{segment}' may hold only letters, digits, '.', '-' and '_'";
            }
        }

        return null;
    }
}

using System.Text.Json;

namespace SriovForwarder.Gateway.Registry;

/// <summary>
/// The registry's private path (§7.3): gRPC metadata <c>path</c> on the request and on the response headers, JSON with
/// capitalised outer keys, <c>{"Index":0,"PathSegments":[{"token":"&lt;JWT&gt;"},...]}</c>. A client starts with an
/// empty path and sends what the registry returned the next time, verbatim.
/// </summary>
public static class RegistryPathMetadata
{
    /// <summary>The metadata key.</summary>
    public const string Key = "path";

    /// <summary>What a client sends before the registry returned a path (Go's zero value).</summary>
    public const string Empty = """{"Index":0,"PathSegments":null}""";

    /// <summary>The index and segment tokens of <paramref name="json"/>; false when it is not such a path.</summary>
    public static bool TryParse(string? json, out int index, out IReadOnlyList<string> tokens)
    {
        index = 0;
        tokens = [];
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Index", out var indexElement) || !indexElement.TryGetInt32(out index))
            {
                return false;
            }

            if (root.TryGetProperty("PathSegments", out var segments) && segments.ValueKind == JsonValueKind.Array)
            {
                tokens = [.. segments.EnumerateArray().Select(s =>
                    s.ValueKind == JsonValueKind.Object && s.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "")];
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

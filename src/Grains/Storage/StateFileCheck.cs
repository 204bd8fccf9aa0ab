using System.Text.Json;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// Reads every grain state file under a <see cref="FileGrainStorage"/> root before the silo starts, so a corrupt file
/// is refused at start by name instead of failing a grain activation later.
/// </summary>
public static class StateFileCheck
{
    /// <summary>The first state file under <paramref name="root"/> that cannot be read back, with what is wrong; null when all are fine.</summary>
    /// <remarks>
    /// The payload is checked as JSON: both formats of <see cref="NodeStateSerializer"/> are (the current one's marker is
    /// JSON whitespace). A missing root holds no files.
    /// </remarks>
    public static (string Path, string Problem)? FindUnreadable(string root)
    {
        if (!Directory.Exists(root))
        {
            return null;
        }

        foreach (var path in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Check(path) is { } problem)
            {
                return (path, problem);
            }
        }

        return null;
    }

    private static string? Check(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read: {e.Message}";
        }

        StoredState state;
        try
        {
            state = StoredState.Parse(bytes, path);
        }
        catch (FileGrainStorageException)
        {
            return bytes.Length == 0 ? "is empty" : "has no sriov-forwarder state header";
        }

        try
        {
            using var document = JsonDocument.Parse(state.Payload);
            return null;
        }
        catch (JsonException e)
        {
            return $"holds invalid JSON ({e.Message})";
        }
    }
}

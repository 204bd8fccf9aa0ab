using System.Text.Json;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>What a simulated node folder remembers about itself, so a restart reuses it.</summary>
internal sealed record SimulationState(int Format, string Tag, SimulatedNodeSpec Spec)
{
    public const string FileName = "simulation.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static SimulationState? Load(string root)
    {
        var path = Path.Combine(root, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<SimulationState>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a simulated node state file: {e.Message}", e);
        }
    }

    /// <summary>The state in <paramref name="root"/>, or null when there is none or it cannot be read.</summary>
    public static SimulationState? TryLoad(string root)
    {
        try
        {
            return Load(root);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Save(string root)
    {
        var path = Path.Combine(root, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}

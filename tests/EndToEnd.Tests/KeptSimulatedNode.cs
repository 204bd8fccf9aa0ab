using System.Text.Json;

namespace SriovForwarder.EndToEnd.Tests;

/// <summary>
/// A node run with <c>--simulate-dir</c> keeps its veths and private namespace after the process stops, as hardware
/// would; a test that owns such a folder removes them with it so no netdev outlives the test.
/// </summary>
public static class KeptSimulatedNode
{
    /// <summary>Deletes the namespace(s) and host veths of the simulated node in <paramref name="simulateDir"/>, if it was built.</summary>
    public static void RemoveLeftovers(string simulateDir)
    {
        var state = Path.Combine(simulateDir, "simulation.json");
        if (!File.Exists(state))
        {
            return;
        }

        var tag = JsonDocument.Parse(File.ReadAllText(state)).RootElement.GetProperty("Tag").GetString();
        foreach (var netns in Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns", $"sriovsim-{tag}-*") : [])
        {
            _ = IpCommand.TryRun("netns", "del", Path.GetFileName(netns));
        }

        foreach (var link in Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).Where(n => n!.StartsWith("sv" + tag, StringComparison.Ordinal)))
        {
            _ = IpCommand.TryRun("link", "del", "dev", link!);
        }
    }
}

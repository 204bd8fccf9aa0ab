using System.Globalization;
using System.Text.Json;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.EndToEnd.Tests.Logging;

/// <summary>
/// The real executable's output in both log formats (<c>NSM_LOG_FORMAT</c>), from start to SIGTERM on a SIMULATED node,
/// read as an operator's log collector would: every line timestamped in UTC, the JSON one parsing line by line.
/// </summary>
public sealed class LogFormatEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-e2e-log-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Text_EveryLineStartsWithAUtcTimestamp_AndTheSettingsDumpIsOneVariableALine()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var lines = await RunToStopAsync("text");
        var after = DateTime.UtcNow.AddSeconds(1);

        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var timestamp = ConsoleLogLine.Timestamp(line);
            Assert.True(timestamp is { } t && t >= before && t <= after, $"not timestamped with this run's UTC time: {line}");
        }

        var settings = lines.Where(l => l.Contains(" sriov-forwarder[3] Configuration: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(ForwarderSettingsVariables.All.Count, settings.Count);
        Assert.Contains(settings, l => l.EndsWith("Configuration: NSM_NODE_NAME=e2e-log", StringComparison.Ordinal));
        Assert.Contains(settings, l => l.EndsWith("Configuration: NSM_LOG_FORMAT=text", StringComparison.Ordinal));
        Assert.Contains(lines, l => ConsoleLogLine.HasLevel(l, "info") && l.Contains("sriov-forwarder ready on node e2e-log", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_EveryLineIsOneJsonObject_WithTimestampLevelCategoryEventAndTheSettingsAsOneObject()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var lines = await RunToStopAsync("json");
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.NotEmpty(lines);
        var entries = new List<JsonElement>();
        foreach (var line in lines)
        {
            using var document = ParseOrFail(line);
            var entry = document.RootElement.Clone();
            var timestamp = entry.GetProperty("Timestamp").GetString()!;
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", timestamp);
            var time = DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture);
            Assert.True(time >= before && time <= after, $"not this run's UTC time: {line}");
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("LogLevel").GetString()), line);
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("Category").GetString()), line);
            Assert.Equal(JsonValueKind.Number, entry.GetProperty("EventId").ValueKind);
            Assert.Equal(JsonValueKind.String, entry.GetProperty("Message").ValueKind);
            entries.Add(entry);
        }

        var dump = Assert.Single(entries, e => e.GetProperty("Category").GetString() == "sriov-forwarder" && e.GetProperty("EventId").GetInt32() == 3);
        var state = dump.GetProperty("State");
        Assert.Equal("e2e-log", state.GetProperty("NSM_NODE_NAME").GetString());
        Assert.Equal("json", state.GetProperty("NSM_LOG_FORMAT").GetString());
        Assert.All(ForwarderSettingsVariables.All, v => Assert.True(state.TryGetProperty(v.Name, out _), $"{v.Name} missing from the settings dump"));
        var ready = Assert.Single(entries, e => e.GetProperty("Message").GetString()!.StartsWith("sriov-forwarder ready on node e2e-log", StringComparison.Ordinal));
        Assert.Equal("Information", ready.GetProperty("LogLevel").GetString());
        Assert.Equal("e2e-log", ready.GetProperty("State").GetProperty("Node").GetString());
    }

    private static JsonDocument ParseOrFail(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"not a JSON object: {line}{Environment.NewLine}{ex.Message}");
        }
    }

    /// <summary>Starts on a small SIMULATED node, waits until ready, stops with SIGTERM; returns every printed line.</summary>
    private async Task<List<string>> RunToStopAsync(string format)
    {
        var environment = new Dictionary<string, string>
        {
            ["NSM_LOG_FORMAT"] = format,
            ["NSM_NODE_NAME"] = "e2e-log",
            ["NSM_DASHBOARD_LISTEN_ON"] = "",
            ["NSM_SILO_PORT"] = ForwarderProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_GATEWAY_PORT"] = ForwarderProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_DEVICE_PLUGIN_PATH"] = Path.Combine(_folder, "device-plugins"),
            ["NSM_POD_RESOURCES_PATH"] = Path.Combine(_folder, "pod-resources"),
            ["NSM_CONNECT_TO"] = $"unix://{Path.Combine(_folder, "nsm.io.sock")}",
            ["NSM_LISTEN_ON"] = $"unix://{Path.Combine(_folder, "listen_on.io.sock")}",
        };
        await using var forwarder = ForwarderProcess.Start(["--simulate=pfs=1,vfs=2"], environment);
        await forwarder.WaitForLineAsync("sriov-forwarder ready on node e2e-log", Patience);
        Assert.Equal(0, await forwarder.TerminateAsync(Patience));
        return [.. forwarder.Output.Split(Environment.NewLine).Where(l => l.Length > 0)];
    }
}

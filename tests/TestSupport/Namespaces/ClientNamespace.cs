using System.Text.Json;

namespace SriovForwarder.TestSupport.Namespaces;

/// <summary>A named network namespace made with <c>ip netns add</c> for one test (needs root), deleted on dispose.</summary>
public sealed class ClientNamespace : IDisposable
{
    private static int _counter;

    public ClientNamespace()
    {
        Name = $"kmc{Environment.ProcessId % 100000}-{Interlocked.Increment(ref _counter)}";
        IpCommand.Run("netns", "add", Name);
    }

    public string Name { get; }

    public string Path => "/var/run/netns/" + Name;

    public string FileUrl => "file://" + Path;

    /// <summary>Runs <c>ip -n &lt;ns&gt; -j ...</c> and parses its JSON.</summary>
    public JsonElement Json(params string[] args) =>
        JsonDocument.Parse(IpCommand.Run(["-n", Name, "-j", .. args])).RootElement.Clone();

    public void Delete()
    {
        if (File.Exists(Path))
        {
            IpCommand.Run("netns", "del", Name);
        }
    }

    public void Dispose() => Delete();
}

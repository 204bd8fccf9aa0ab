namespace SriovForwarder.TestSupport.Bpf;

/// <summary>A fresh cgroup2 folder for one test; disposing stops its probe processes and removes the folder (the kernel then drops its programs).</summary>
public sealed class TestCgroup : IDisposable
{
    private readonly List<DeviceProbe> _probes = [];

    public TestCgroup(string? parent = null, string? name = null)
    {
        Root = Cgroup2.Root ?? throw new InvalidOperationException("no cgroup2 mount");
        RelativePath = Path.Combine(parent ?? "", name ?? "sriov-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(Root, RelativePath));
    }

    public string Root { get; }

    public string RelativePath { get; }

    public string Folder => Path.Combine(Root, RelativePath);

    /// <summary>Starts a shell inside this cgroup that opens device nodes on request.</summary>
    public DeviceProbe StartProbe()
    {
        var probe = DeviceProbe.Start(Folder);
        _probes.Add(probe);
        return probe;
    }

    public void Dispose()
    {
        foreach (var probe in _probes)
        {
            probe.Dispose();
        }

        _probes.Clear();
        if (!Directory.Exists(Folder))
        {
            return; // disposed already (a test that removes a container before the end)
        }

        // Child cgroups (made by tests with this one as parent) go first.
        foreach (var child in Directory.EnumerateDirectories(Folder).OrderByDescending(d => d.Length))
        {
            Directory.Delete(child);
        }

        Directory.Delete(Folder);
    }
}

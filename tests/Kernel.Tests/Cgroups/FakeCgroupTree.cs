namespace SriovForwarder.Kernel.Tests.Cgroups;

/// <summary>A temporary devices cgroup hierarchy of <see cref="FakeDevicesCgroup"/>s, removed when disposed.</summary>
public sealed class FakeCgroupTree : IDisposable
{
    private readonly List<FakeDevicesCgroup> _cgroups = [];

    public FakeCgroupTree()
    {
        Parent = Directory.CreateTempSubdirectory("sriov-cgroups-").FullName;
        Root = Path.Combine(Parent, "devices");
        Directory.CreateDirectory(Root);

        // The root of a v1 devices hierarchy always allows everything; only its devices.list matters here.
        File.WriteAllText(Path.Combine(Root, "devices.list"), "a *:* rwm\n");
    }

    /// <summary>A folder holding <see cref="Root"/>, where tests can put things outside the hierarchy.</summary>
    public string Parent { get; }

    public string Root { get; }

    /// <summary>Adds a cgroup at a path relative to the root, with container defaults unless rules are given.</summary>
    public FakeDevicesCgroup Add(string relativePath, IEnumerable<string>? rules = null)
    {
        var cgroup = new FakeDevicesCgroup(Path.Combine(Root, relativePath), rules ?? FakeDevicesCgroup.ContainerDefaults);
        _cgroups.Add(cgroup);
        return cgroup;
    }

    public void Dispose()
    {
        foreach (var cgroup in _cgroups)
        {
            cgroup.Dispose();
        }

        Directory.Delete(Parent, recursive: true);
    }
}

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>Every host path setting lies under a mount, and every mount serves a setting or a fixed path of the code.</summary>
public sealed class DaemonSetMountTests
{
    // Paths the code uses without a setting: named network namespaces, where a client's namespace is looked up by its
    // inode (src/Kernel/Namespaces/NetworkNamespace.cs searches /run/netns, /var/run/netns and /proc/*/ns/net).
    private static readonly string[] FixedPaths = ["/var/run/netns", "/run/netns"];

    private readonly KubernetesManifests _manifests = KubernetesManifests.Load();

    [Fact]
    public void PathSettings_EachLiesUnderAMount()
    {
        var mounts = _manifests.Mounts();

        var unmounted = PathSettings().Where(s => !mounts.Any(m => IsUnder(s.Path, m.MountPath))).ToList();

        Assert.True(unmounted.Count == 0,
            "settings pointing into the image instead of the host: " + string.Join(", ", unmounted.Select(s => $"{s.Variable}={s.Path}")));
    }

    [Fact]
    public void Mounts_EachServesASettingOrAFixedPath()
    {
        var paths = PathSettings().Select(s => s.Path).Concat(FixedPaths).ToList();

        var unused = _manifests.Mounts().Where(m => !paths.Any(p => IsUnder(p, m.MountPath))).ToList();

        Assert.True(unused.Count == 0, "mounts no setting uses: " + string.Join(", ", unused.Select(m => m.MountPath)));
    }

    [Fact]
    public void HostPathMounts_ShowTheSameHostPath_OrItUnderHost()
    {
        foreach (var (name, mountPath) in _manifests.Mounts())
        {
            var hostPath = _manifests.Volume(name).Text("hostPath.path");
            if (hostPath is null)
            {
                continue;
            }

            // The code's convention: host folders that would shadow the container's own are mounted under /host.
            var expected = mountPath.StartsWith("/host/", StringComparison.Ordinal) ? mountPath["/host".Length..] : mountPath;
            Assert.True(expected == hostPath, $"volume {name}: host path {hostPath} mounted at {mountPath}, expected host path {expected}");
        }
    }

    [Fact]
    public void SriovConfig_IsTheConfigMapMountedWhereTheSettingPoints()
    {
        var file = _manifests.Settings().SriovConfigFile;
        var configMap = _manifests.Volume("sriov-config").Text("configMap.name");
        var mount = Assert.Single(_manifests.Mounts(), m => m.Name == "sriov-config");

        Assert.Equal(Path.GetDirectoryName(file), mount.MountPath);
        Assert.True(_manifests.ConfigMapEntry(configMap!, Path.GetFileName(file)!) is not null,
            $"ConfigMap {configMap} has no key {Path.GetFileName(file)}");
    }

    [Fact]
    public void StatePath_IsOnTheHost_SoReservationsOutliveThePod()
    {
        var state = _manifests.Settings().StatePath;
        var mounts = _manifests.Mounts().Where(m => IsUnder(state, m.MountPath)).ToList();
        Assert.True(mounts.Count > 0, $"NSM_STATE_PATH={state} is on no mount: the state would die with the pod");

        var innermost = mounts.MaxBy(m => m.MountPath.Length);
        Assert.NotNull(_manifests.Volume(innermost.Name).Text("hostPath.path"));
    }

    private IReadOnlyList<(string Variable, string Path)> PathSettings()
    {
        var settings = _manifests.Settings();
        var paths = new List<(string, string)>
        {
            ("NSM_CONNECT_TO", settings.ConnectTo.AbsolutePath),
            ("NSM_DEVICE_PLUGIN_PATH", settings.DevicePluginPath),
            ("NSM_POD_RESOURCES_PATH", settings.PodResourcesPath),
            ("NSM_SRIOV_CONFIG_FILE", settings.SriovConfigFile),
            ("NSM_PCI_DEVICES_PATH", settings.PciDevicesPath),
            ("NSM_PCI_DRIVERS_PATH", settings.PciDriversPath),
            ("NSM_CGROUP_PATH", settings.CgroupPath),
            ("NSM_VFIO_PATH", settings.VfioPath),
            ("NSM_STATE_PATH", settings.StatePath),
            ("NSM_CGROUP2_PATH", settings.Cgroup2Path),
            ("NSM_BPF_PIN_PATH", settings.BpfPinPath),
        };
        if (!string.IsNullOrEmpty(settings.SpiffeEndpointSocket))
        {
            paths.Add(("SPIFFE_ENDPOINT_SOCKET", new Uri(settings.SpiffeEndpointSocket).AbsolutePath));
        }

        return paths;
    }

    private static bool IsUnder(string path, string folder)
    {
        var p = path.TrimEnd('/');
        var f = folder.TrimEnd('/');
        return p == f || p.StartsWith(f + "/", StringComparison.Ordinal);
    }
}

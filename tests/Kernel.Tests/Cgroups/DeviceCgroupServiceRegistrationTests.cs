using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Cgroups;

namespace SriovForwarder.Kernel.Tests.Cgroups;

public sealed class DeviceCgroupServiceRegistrationTests
{
    [Fact]
    public void AddDeviceCgroupController_Configured_ResolvesOneControllerOnThatRoot()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddDeviceCgroupController(o => o.CgroupRoot = "/tmp/devices")
            .BuildServiceProvider();

        var controller = provider.GetRequiredService<IDeviceCgroupController>();

        Assert.Same(controller, provider.GetRequiredService<IDeviceCgroupController>());
        Assert.Equal("/tmp/devices", controller.CgroupRoot);
    }

    [Fact]
    public void AddDeviceCgroupController_RelativeRoot_FailsValidationNamingSetting()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddDeviceCgroupController(o => o.CgroupRoot = "sys/fs/cgroup/devices")
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DeviceCgroupOptions>>().Value);

        Assert.Contains("NSM_CGROUP_PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDeviceCgroupController_RelativeV2RootAndPinPath_FailsValidationNamingBothSettings()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddDeviceCgroupController(o =>
            {
                o.Cgroup2Root = "sys/fs/cgroup";
                o.BpfPinRoot = "bpf";
            })
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DeviceCgroupOptions>>().Value);

        Assert.Contains("NSM_CGROUP2_PATH", error.Message, StringComparison.Ordinal);
        Assert.Contains("NSM_BPF_PIN_PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDeviceCgroupController_NoHierarchyUnderRoots_ChoosesHybridControllerInModeNone()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddDeviceCgroupController(o =>
            {
                o.CgroupRoot = "/nonexistent/devices";
                o.Cgroup2Root = "/nonexistent/cgroup";
            })
            .BuildServiceProvider();

        var controller = Assert.IsType<HierarchyDeviceCgroupController>(provider.GetRequiredService<IDeviceCgroupController>());

        Assert.Equal(CgroupHierarchy.None, controller.Hierarchy);
    }
}

using SriovForwarder.Grains.Health;
using SriovForwarder.Grains.Inventory;
using SriovForwarder.Kernel.Pci;

namespace SriovForwarder.Grains.Tests.Health;

/// <summary>The health state machine of one node's PFs and VFs: sources replace only their own faults, a PF fault makes its VFs unusable.</summary>
public sealed class NodeHealthTests
{
    private const string Pf0 = "0000:01:00.0";
    private const string Pf1 = "0000:02:00.0";
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Apply_LinkFaultOnPf_EveryVfOfThatPfTurnsUnusableWithThePfReason()
    {
        var health = new NodeHealth(Inventory(), new NodeHealthState());

        var change = health.Apply(HealthSources.Link, [Pf0], Faults((Pf0, "netdev eth0 has no carrier")), T0);

        Assert.True(change.RecordsChanged);
        Assert.Equal(["0000:01:00.1", "0000:01:00.2"], change.TurnedUnhealthy.Keys.Order());
        Assert.All(change.TurnedUnhealthy.Values, reason => Assert.Equal($"PF {Pf0}: netdev eth0 has no carrier", reason));
        Assert.Null(health.WhyUnusable("0000:02:00.1"));
        var pf = Assert.Single(health.Unhealthy());
        Assert.Equal((Pf0, true, T0), (pf.Address, pf.IsPhysicalFunction, pf.Since));
    }

    [Fact]
    public void Apply_LinkClearedWhileSysfsStillSeesAVfFault_OnlyThatVfStaysUnusable()
    {
        var health = new NodeHealth(Inventory(), new NodeHealthState());
        health.Apply(HealthSources.Link, [Pf0], Faults((Pf0, "no carrier")), T0);
        health.Apply(HealthSources.Sysfs, AllFunctions(), Faults(("0000:01:00.2", "VF gone")), T0.AddSeconds(1));

        var change = health.Apply(HealthSources.Link, [Pf0], Faults(), T0.AddSeconds(2));

        Assert.Equal(["0000:01:00.1"], change.TurnedHealthy);
        Assert.Empty(change.TurnedUnhealthy);
        Assert.Equal("VF 0000:01:00.2: VF gone", health.WhyUnusable("0000:01:00.2"));
        var vf = Assert.Single(health.Unhealthy());
        Assert.Equal(("0000:01:00.2", Pf0, T0.AddSeconds(1)), (vf.Address, vf.PhysicalFunction, vf.Since));
    }

    [Fact]
    public void Apply_SameFaultAgain_ChangesNothing()
    {
        var health = new NodeHealth(Inventory(), new NodeHealthState());
        health.Apply(HealthSources.Link, [Pf0], Faults((Pf0, "no carrier")), T0);

        var change = health.Apply(HealthSources.Link, [Pf0], Faults((Pf0, "no carrier")), T0.AddSeconds(5));

        Assert.False(change.RecordsChanged);
        Assert.Equal(T0, Assert.Single(health.Unhealthy()).Since);
    }

    [Fact]
    public void Apply_ReportOutsideTheSourcesScope_LeavesOtherFunctionsAlone()
    {
        var health = new NodeHealth(Inventory(), new NodeHealthState());
        health.Apply(HealthSources.Link, [Pf0], Faults((Pf0, "no carrier")), T0);

        var change = health.Apply(HealthSources.Link, [Pf1], Faults(), T0);

        Assert.False(change.RecordsChanged);
        Assert.NotNull(health.WhyUnusable("0000:01:00.1"));
    }

    [Fact]
    public void New_PersistedStateWithAFunctionNoLongerInTheInventory_DropsItAndKeepsTheRest()
    {
        var state = new NodeHealthState();
        var before = new NodeHealth(Inventory(), state);
        before.Apply(HealthSources.Sysfs, ["0000:01:00.1", "0000:09:00.0"], Faults(("0000:01:00.1", "unbound"), ("0000:09:00.0", "gone")), T0);
        state.Functions["0000:09:00.0"] = new FunctionHealthRecord { Since = T0, Faults = { [HealthSources.Sysfs] = "gone" } };

        var after = new NodeHealth(Inventory(), state);

        Assert.Equal(["0000:01:00.1"], state.Functions.Keys);
        Assert.Equal("VF 0000:01:00.1: unbound", after.WhyUnusable("0000:01:00.1"));
    }

    private static Dictionary<string, string> Faults(params (string Address, string Reason)[] faults) =>
        faults.ToDictionary(f => f.Address, f => f.Reason, StringComparer.Ordinal);

    private static string[] AllFunctions() => [Pf0, "0000:01:00.1", "0000:01:00.2", Pf1, "0000:02:00.1"];

    private static NodeInventory Inventory() => new(
    [
        Pf(Pf0, "eth0", "0000:01:00.1", "0000:01:00.2"),
        Pf(Pf1, "eth1", "0000:02:00.1"),
    ]);

    private static InventoryPhysicalFunction Pf(string address, string netdev, params string[] vfs) =>
        new(address, "ixgbe", "ixgbevf", ["domain/cap"], netdev, 0,
            [.. vfs.Select((vf, i) => new VirtualFunctionInfo(vf, i, 20 + i, "ixgbevf", [], 0))]);
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Kernel.Bpf;
using SriovForwarder.Kernel.Cgroups;
using static SriovForwarder.Kernel.Tests.Bpf.DeviceProgramTestBed;

namespace SriovForwarder.Kernel.Tests.Bpf;

public sealed class DeviceProgramReconcilerTests : IDisposable
{
    private readonly DeviceProgramTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [BpfCgroupFact]
    public async Task ExecuteAsync_IntervalPassesAfterRuncUpdate_OurProgramIsBack()
    {
        var container = _bed.AddContainer();
        var controller = _bed.NewController();
        controller.AllowAll(_bed.Pattern, [GroupA]);
        using var updated = RuntimeDeviceProgram.Load(_bed.Bpf, (1, 3));
        using (var target = _bed.Bpf.OpenCgroup(container.Folder))
        using (var ours = _bed.Bpf.GetProgramById(Assert.Single(_bed.Attached(container))))
        {
            _bed.Bpf.Attach(target, updated, BpfTypes.AttachCgroupDevice, BpfTypes.AttachAllowMulti);
            _bed.Bpf.Detach(target, ours, BpfTypes.AttachCgroupDevice);
        }

        var time = new FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(30);
        using var reconciler = new DeviceProgramReconciler(controller, Options.Create(new DeviceCgroupOptions { ReconcileInterval = interval }), time);
        await reconciler.StartAsync(CancellationToken.None);
        var beforeTick = _bed.AttachedName(container);

        var afterTick = await NameOnceChangedAsync(container, beforeTick, () => time.Advance(interval));
        await reconciler.StopAsync(CancellationToken.None);

        Assert.Equal(RuntimeDeviceProgram.Name, beforeTick);
        Assert.Equal(DeviceGrantProgram.Name, afterTick);
    }

    // ExecuteAsync starts on the thread pool (its timer may not exist yet) and the tick runs there too: advance and look again.
    private async Task<string> NameOnceChangedAsync(TestCgroup container, string before, Action advance)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            advance();
            // Mid-swap both programs are attached for a moment; look again then.
            if (_bed.Attached(container).Count == 1 && _bed.AttachedName(container) is var name && name != before)
            {
                return name;
            }

            await Task.Delay(100);
        }

        return before;
    }
}

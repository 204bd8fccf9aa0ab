using Microsoft.Extensions.Hosting;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>Creates the device grant controller when the host starts, so the detected cgroup hierarchy is logged then and not at the first VFIO request.</summary>
internal sealed class DeviceCgroupStartupLog(IDeviceCgroupController controller) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the controller is the work: its constructor detects and logs the hierarchy.
        GC.KeepAlive(controller);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>
/// Runs <see cref="DeviceProgramController.Reconcile"/> every <see cref="DeviceCgroupOptions.ReconcileInterval"/> on nodes
/// with a cgroup v2 hierarchy, so grants lost to a <c>runc update</c> come back and pins of removed cgroups go.
/// </summary>
internal sealed class DeviceProgramReconciler(DeviceProgramController controller, IOptions<DeviceCgroupOptions> options, TimeProvider time)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Cgroup2Roots.IsCgroup2(controller.CgroupRoot))
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.ReconcileInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                controller.Reconcile();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }
}

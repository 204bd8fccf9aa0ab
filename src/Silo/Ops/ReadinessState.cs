using Orleans.Runtime;
using SriovForwarder.Grains.Telemetry;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Ops;

/// <summary>
/// Whether the forwarder can serve NSMgr now, as <c>/readyz</c> and gRPC health report it: the silo is active, this
/// node's grain has activated (its state loaded and the start-up reconcile pass done), the NSM socket is there and
/// Kestrel serves, and no shutdown has begun. Each condition is read when asked, so a probe sees the truth of that moment.
/// </summary>
public sealed class ReadinessState(IServiceProvider services, NsmListenSocket socket, string nodeName)
{
    private volatile bool _started;
    private volatile bool _nodeChecked;
    private volatile bool _stopping;

    /// <summary>The conditions and whether each holds.</summary>
    public IReadOnlyList<ReadinessCondition> Conditions()
    {
        var silo = services.GetService<ISiloStatusOracle>()?.CurrentStatus ?? SiloStatus.None;
        var nodePublished = NodeCounts.Latest.Any(n => n.Node == nodeName);
        var socketThere = UnixSocketFile.IsSocket(socket.Path);
        return
        [
            new("silo", silo == SiloStatus.Active, silo.ToString()),
            new("node grain", _nodeChecked && nodePublished,
                _nodeChecked && nodePublished ? $"{nodeName} active" : $"{nodeName} not active yet"),
            new("nsm socket", _started && socketThere,
                !socketThere ? $"{socket.Path} not there" : _started ? $"serving on {socket.Path}" : "the host is still starting"),
            new("shutdown", !_stopping, _stopping ? "shutting down" : "not begun"),
        ];
    }

    /// <summary>Whether every condition holds.</summary>
    public bool IsReady => Conditions().All(c => c.Met);

    /// <summary>The node's start-up check passed: its grain is active.</summary>
    public void NodeChecked() => _nodeChecked = true;

    /// <summary>Every hosted service has started, Kestrel among them.</summary>
    public void Started() => _started = true;

    /// <summary>A shutdown began: not ready from now on.</summary>
    public void Stopping() => _stopping = true;
}

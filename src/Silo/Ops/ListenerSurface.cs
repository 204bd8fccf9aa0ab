namespace SriovForwarder.Silo.Ops;

/// <summary>
/// The listeners of the process, each with its own group of endpoints (decision 016): an endpoint answers only on the
/// listener of its group, every other listener answers 404.
/// </summary>
public enum ListenerSurface
{
    /// <summary>The NSM unix socket (NSM_LISTEN_ON) and NSM_LISTEN_ON_TCP: NetworkService, MonitorConnection, gRPC health.</summary>
    Nsm,

    /// <summary>NSM_DASHBOARD_LISTEN_ON: the Orleans Dashboard and the SR-IOV page (<c>/sriov</c>).</summary>
    Dashboard,

    /// <summary>NSM_PPROF_LISTEN_ON (with NSM_PPROF_ENABLED): <c>/debug/runtime</c>.</summary>
    Diagnostics,

    /// <summary>NSM_OPS_LISTEN_ON: <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, on a Kestrel server of its own (<see cref="OpsServer"/>).</summary>
    Ops,

    /// <summary>NSM_FLEET_LISTEN_ON: the fleet gRPC API (<c>sriov.fleet.v1.Fleet</c>).</summary>
    Fleet,
}

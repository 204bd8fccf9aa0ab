using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>
/// The stand-in next hop's <c>MonitorConnection</c>, as a real NSE offers it: the forwarder watches the connections it
/// forwards here (its monitor relay), so every stream gets an empty initial state and stays open until the forwarder
/// cancels it. It accepts any selector: the forwarder's one stream for all its connections (decision 045, selector = its
/// segment name) as well as a stream per connection (decision 031, a forwarder built before 045). It reports no events
/// after the initial state, for either.
/// </summary>
public sealed class BenchNseMonitor : MonitorConnection.MonitorConnectionBase
{
    public override async Task MonitorConnections(MonitorScopeSelector request, IServerStreamWriter<ConnectionEvent> responseStream, ServerCallContext context)
    {
        await responseStream.WriteAsync(new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer });
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The forwarder stopped watching (its connection closed; since decision 045, its last one and the linger).
        }
    }
}

using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>
/// The stand-in next hop's <c>MonitorConnection</c>, as a real NSE offers it: the forwarder watches each connection it
/// forwards here (its monitor relay), so every stream gets an empty initial state and stays open until its connection is
/// closed and the forwarder cancels it.
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
            // The forwarder closed the connection and stopped watching it.
        }
    }
}

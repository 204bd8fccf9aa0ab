using Grpc.Net.Client;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// A started forwarder once it is ready, with an Orleans client on its node and a channel to its NSM socket: the part
/// every fixture around <see cref="NsmForwarderHarness"/> starts and stops the same way.
/// </summary>
public sealed class ConnectedForwarder : IAsyncDisposable
{
    private ConnectedForwarder(ForwarderProcess forwarder, NodeClient node, string listenSocket)
    {
        Forwarder = forwarder;
        Node = node;
        Channel = UnixSocketChannelFactory.Create(listenSocket, TimeSpan.FromSeconds(5));
    }

    public ForwarderProcess Forwarder { get; }

    public NodeClient Node { get; }

    public GrpcChannel Channel { get; }

    /// <summary>Waits until <paramref name="forwarder"/> says it is ready, then connects; on failure the process is stopped.</summary>
    public static async Task<ConnectedForwarder> ConnectAsync(NsmForwarderHarness harness, ForwarderProcess forwarder)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(forwarder);
        try
        {
            await forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
            var node = await NodeClient.ConnectAsync(harness.GatewayPort, NsmForwarderHarness.NodeName);
            return new ConnectedForwarder(forwarder, node, harness.ListenSocket);
        }
        catch
        {
            await forwarder.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A fixture's teardown: stops <paramref name="running"/> (when it got that far), then disposes the stand-ins in order and
    /// the harness, whatever fails on the way, so the simulated node's namespace and veths are removed.
    /// </summary>
    public static async Task StopAsync(ConnectedForwarder? running, NsmForwarderHarness harness, params IAsyncDisposable[] standIns)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(standIns);
        try
        {
            if (running is not null)
            {
                await running.DisposeAsync();
            }
        }
        finally
        {
            try
            {
                foreach (var standIn in standIns)
                {
                    await standIn.DisposeAsync();
                }
            }
            finally
            {
                harness.Dispose();
            }
        }
    }

    /// <summary>Closes the clients and stops the forwarder with SIGTERM; whatever fails on the way, the process is disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            Channel.Dispose();
            await Node.DisposeAsync();
            await Forwarder.TerminateAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Forwarder.DisposeAsync();
        }
    }
}

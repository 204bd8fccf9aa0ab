using Grpc.Net.Client;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Kernel.Transport;
using PluginApi = SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1.DevicePlugin;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>A client of one of our plugin sockets, as kubelet's device manager holds one.</summary>
public sealed class PluginClient(string socketPath) : IDisposable
{
    private readonly GrpcChannel _channel = UnixSocketChannelFactory.Create(socketPath, TimeSpan.FromSeconds(5));

    public PluginApi.DevicePluginClient Plugin => new(_channel);

    /// <summary>Opens ListAndWatch and collects what it sends.</summary>
    public DeviceStream Watch(CancellationToken cancellationToken) => new(Plugin.ListAndWatch(new Empty(), cancellationToken: cancellationToken));

    public void Dispose() => _channel.Dispose();
}

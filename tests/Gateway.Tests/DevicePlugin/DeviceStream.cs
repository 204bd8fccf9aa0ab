using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>The responses of one ListAndWatch stream, read in order.</summary>
public sealed class DeviceStream(AsyncServerStreamingCall<ListAndWatchResponse> call) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>The next list the plugin sends.</summary>
    public async Task<ListAndWatchResponse> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "ListAndWatch ended");
        return call.ResponseStream.Current;
    }

    /// <summary>Reads lists until one satisfies <paramref name="wanted"/>.</summary>
    public async Task<ListAndWatchResponse> UntilAsync(Func<ListAndWatchResponse, bool> wanted)
    {
        while (true)
        {
            var next = await NextAsync();
            if (wanted(next))
            {
                return next;
            }
        }
    }

    public void Dispose() => call.Dispose();
}

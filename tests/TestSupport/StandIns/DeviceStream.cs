using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;

namespace SriovForwarder.TestSupport.StandIns;

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

    /// <summary>Reads until the stream ends and returns the status it ended with (the server's, or the transport's error).</summary>
    public async Task<Status> EndAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
            }

            return call.GetStatus();
        }
        catch (RpcException ex) when (!timeout.IsCancellationRequested)
        {
            return ex.Status;
        }
    }

    public void Dispose() => call.Dispose();
}

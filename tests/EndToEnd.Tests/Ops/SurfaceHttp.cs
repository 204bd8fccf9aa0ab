using System.Net;
using System.Net.Sockets;

namespace SriovForwarder.EndToEnd.Tests.Ops;

/// <summary>Plain HTTP GETs against the forwarder's listeners: HTTP/1.1 on TCP, HTTP/2 (prior knowledge, as gRPC does) on the NSM socket and TCP listener.</summary>
public static class SurfaceHttp
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>GET over HTTP/1.1 on <c>127.0.0.1:port</c>: the status code and body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(int port, string path)
    {
        using var client = new HttpClient { Timeout = Timeout };
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GET over cleartext HTTP/2 on a unix socket (the NSM socket).</summary>
    public static async Task<HttpStatusCode> GetHttp2OnUnixSocketAsync(string socketPath, string path)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return await GetHttp2Async(handler, new Uri("http://localhost" + path));
    }

    /// <summary>GET over cleartext HTTP/2 on <c>127.0.0.1:port</c> (the NSM TCP listener).</summary>
    public static async Task<HttpStatusCode> GetHttp2OnTcpAsync(int port, string path)
    {
        using var handler = new SocketsHttpHandler();
        return await GetHttp2Async(handler, new Uri($"http://127.0.0.1:{port}{path}"));
    }

    private static async Task<HttpStatusCode> GetHttp2Async(SocketsHttpHandler handler, Uri uri)
    {
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Api.Spiffe;
using SriovForwarder.Gateway.Transport;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>
/// A stand-in SPIRE agent: serves the SPIFFE Workload API's <c>FetchX509SVID</c> on a unix socket (gRPC, plaintext,
/// refusing calls without the <c>workload.spiffe.io: true</c> header as the agent does) with SVIDs made in the test.
/// Every open stream gets the current SVID at once and each rotation after; it can stop and start again on the same
/// socket, and with no SVID set it stays silent (streams open, nothing sent).
/// </summary>
public sealed class StandInSpiffeAgent : SpiffeWorkloadAPI.SpiffeWorkloadAPIBase, IAsyncDisposable
{
    private readonly object _gate = new();
    private X509SVIDResponse? _current;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private UnixSocketGrpcServer? _server;

    public StandInSpiffeAgent(string socketPath)
    {
        SocketPath = socketPath;
    }

    /// <summary>Where the agent listens; <c>unix://</c> + this is what SPIFFE_ENDPOINT_SOCKET holds.</summary>
    public string SocketPath { get; }

    /// <summary>The value for SPIFFE_ENDPOINT_SOCKET.</summary>
    public string EndpointUrl => "unix://" + SocketPath;

    /// <summary>How many FetchX509SVID streams were opened (a reconnecting client opens more).</summary>
    public int StreamsOpened => Volatile.Read(ref _streamsOpened);

    private int _streamsOpened;

    /// <summary>Builds a Workload API answer: the SVID (leaf with key, then intermediates), its trust domain's bundle and federated bundles.</summary>
    public static X509SVIDResponse Answer(
        string spiffeId,
        X509Certificate2 leafWithKey,
        IEnumerable<X509Certificate2> bundle,
        IReadOnlyDictionary<string, X509Certificate2>? federated = null,
        IEnumerable<X509Certificate2>? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(leafWithKey);
        // An RSA leaf too: an agent may hand out one our ES256 tokens cannot be made from.
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)leafWithKey.GetECDsaPrivateKey() ?? leafWithKey.GetRSAPrivateKey()
            ?? throw new ArgumentException("the leaf has no EC or RSA private key", nameof(leafWithKey));
        var chain = new[] { leafWithKey }.Concat(intermediates ?? []).SelectMany(c => c.RawData).ToArray();
        var answer = new X509SVIDResponse();
        answer.Svids.Add(new X509SVID
        {
            SpiffeId = spiffeId,
            X509Svid = ByteString.CopyFrom(chain),
            X509SvidKey = ByteString.CopyFrom(key.ExportPkcs8PrivateKey()),
            Bundle = ByteString.CopyFrom(bundle.SelectMany(c => c.RawData).ToArray()),
        });
        foreach (var (trustDomain, root) in federated ?? new Dictionary<string, X509Certificate2>())
        {
            answer.FederatedBundles["spiffe://" + trustDomain] = ByteString.CopyFrom(root.RawData);
        }

        return answer;
    }

    /// <summary>Starts serving (again, after <see cref="StopAsync"/>).</summary>
    public async Task StartAsync()
    {
        _server = await UnixSocketGrpcServer.StartAsync(
            SocketPath, services => services.AddSingleton(this), endpoints => endpoints.MapGrpcService<StandInSpiffeAgent>());
    }

    /// <summary>Sets the SVID every stream gets now and every new stream gets first (a rotation when streams are open).</summary>
    public void Send(X509SVIDResponse answer)
    {
        lock (_gate)
        {
            _current = answer;
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Stops serving: open streams end, the socket goes away.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }
    }

    public override async Task FetchX509SVID(X509SVIDRequest request, IServerStreamWriter<X509SVIDResponse> responseStream, ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("workload.spiffe.io") != "true")
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "security header missing from request"));
        }

        Interlocked.Increment(ref _streamsOpened);
        X509SVIDResponse? sent = null;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            Task changed;
            X509SVIDResponse? current;
            lock (_gate)
            {
                changed = _changed.Task;
                current = _current;
            }

            if (current is not null && !ReferenceEquals(current, sent))
            {
                await responseStream.WriteAsync(current);
                sent = current;
            }

            try
            {
                await changed.WaitAsync(context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

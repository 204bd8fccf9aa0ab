using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Spiffe;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Security.Spiffe.WorkloadApi;

/// <summary>
/// Our X.509-SVID from the SPIFFE Workload API: one long-lived <c>FetchX509SVID</c> stream over the agent's unix socket
/// (plaintext, with the <c>workload.spiffe.io: true</c> header every call must carry); each message replaces the SVID,
/// its key and the bundles. A broken stream is opened again with a doubling pause, keeping the last SVID meanwhile.
/// </summary>
public sealed partial class WorkloadApiSvidSource : ISvidSource, IAsyncDisposable
{
    private static readonly Metadata WorkloadHeader = [new("workload.spiffe.io", "true")];

    private readonly WorkloadApiOptions _options;
    private readonly ILogger _logger;
    private readonly string _socketPath;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private X509Svid? _current;
    private string _lastProblem = "the agent has not answered yet";
    private Task? _loop;

    /// <summary>Checks the socket address; nothing is dialled before <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The address is not a unix socket path or <c>unix:///path</c>.</exception>
    public WorkloadApiSvidSource(WorkloadApiOptions options, ILogger<WorkloadApiSvidSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _socketPath = UnixSocketChannelFactory.ParseSocketPath(options.EndpointSocket);
    }

    /// <inheritdoc />
    public X509Svid Current => Volatile.Read(ref _current)
        ?? throw new InvalidOperationException($"No X.509-SVID has come from the SPIFFE Workload API at '{_socketPath}' yet.");

    /// <inheritdoc />
    public event EventHandler<X509Svid>? Rotated;

    /// <summary>Opens the stream and waits for the first SVID.</summary>
    /// <exception cref="WorkloadApiUnavailableException">None came within <see cref="WorkloadApiOptions.FirstSvidTimeout"/>; the message says why.</exception>
    public async Task<X509Svid> StartAsync(CancellationToken cancellationToken)
    {
        LogWaiting(_logger, _socketPath, _options.FirstSvidTimeout);
        _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        try
        {
            await _first.Task.WaitAsync(_options.FirstSvidTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new WorkloadApiUnavailableException(
                $"no X.509-SVID from the SPIFFE Workload API at SPIFFE_ENDPOINT_SOCKET=unix://{_socketPath} within {_options.FirstSvidTimeout.TotalSeconds:0.#} s " +
                $"(NSM_SPIFFE_START_TIMEOUT): {_lastProblem}; check the SPIRE agent and its logs, and that this workload is registered");
        }

        return Current;
    }

    /// <summary>Stops the stream; the last SVID stays readable.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var delay = _options.FirstReconnectDelay;
        while (!stop.IsCancellationRequested)
        {
            var received = false;
            try
            {
                using var channel = UnixSocketChannelFactory.Create(_socketPath, TimeSpan.FromSeconds(5));
                var client = new SpiffeWorkloadAPI.SpiffeWorkloadAPIClient(channel);
                using var call = client.FetchX509SVID(new X509SVIDRequest(), WorkloadHeader, cancellationToken: stop);
                await foreach (var response in call.ResponseStream.ReadAllAsync(stop).ConfigureAwait(false))
                {
                    received = true;
                    Accept(response);
                }

                _lastProblem = "the agent ended the stream";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e)
            {
                _lastProblem = e.Status.StatusCode == StatusCode.Unavailable
                    ? $"cannot reach the agent ({e.Status.Detail})"
                    : $"the agent answered {e.Status.StatusCode}: {e.Status.Detail}";
            }

            if (received)
            {
                delay = _options.FirstReconnectDelay;
            }

            LogStreamBroken(_logger, _socketPath, _lastProblem, delay);
            try
            {
                await Task.Delay(delay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private void Accept(X509SVIDResponse response)
    {
        X509Svid svid;
        try
        {
            svid = X509SvidParser.Parse(response);
        }
        catch (FormatException e)
        {
            // Keep the SVID we have: a bad message must not take our identity away.
            _lastProblem = $"the agent sent an SVID that cannot be used: {e.Message}";
            LogBadSvid(_logger, _socketPath, e.Message);
            return;
        }

        if (UnusableForTokens(svid) is { } reason)
        {
            // NSM cannot run on it: the first one refuses the start at once (nothing better is coming), a rotation to one
            // is not taken (our tokens would stop).
            _lastProblem = $"the agent sent an SVID that cannot be used: {reason}";
            if (Volatile.Read(ref _current) is null)
            {
                // The start-up refusal says it, in one line.
                _first.TrySetException(new WorkloadApiUnavailableException($"SPIFFE_ENDPOINT_SOCKET=unix://{_socketPath}: {reason}"));
            }
            else
            {
                LogBadSvid(_logger, _socketPath, reason);
            }

            return;
        }

        var previous = Interlocked.Exchange(ref _current, svid);
        LogSvid(_logger, svid.SpiffeId, svid.Certificate.NotAfter.ToUniversalTime(), string.Join(",", svid.Bundles.Keys));
        if (previous is null)
        {
            _first.TrySetResult();
        }
        else
        {
            Rotated?.Invoke(this, svid);
        }
    }

    /// <summary>
    /// Why NSM tokens cannot be made from <paramref name="svid"/>'s key, or null: they are ES256 (§11.2), which takes an
    /// ECDSA P-256 key, and in SPIFFE mode every NSM call and every path segment carries one.
    /// </summary>
    public static string? UnusableForTokens(X509Svid svid)
    {
        ArgumentNullException.ThrowIfNull(svid);
        using var ec = svid.Certificate.GetECDsaPublicKey();
        if (ec is not null && ec.KeySize == 256)
        {
            return null;
        }

        using var rsa = ec is null ? svid.Certificate.GetRSAPublicKey() : null;
        var key = ec is not null ? $"an ECDSA {ec.KeySize}-bit key" : rsa is not null ? $"an RSA {rsa.KeySize}-bit key" : $"a key of algorithm {svid.Certificate.GetKeyAlgorithm()}";
        return $"our X.509-SVID {svid.SpiffeId} has {key}, but NSM tokens are ES256 and need an ECDSA P-256 key; have SPIRE issue EC P-256 SVIDs (agent setting workload_x509_svid_key_type = \"ec-p256\", its default)";
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "waiting for our X.509-SVID from the SPIFFE Workload API at unix://{Socket} (up to {Timeout}); check the SPIRE agent's logs if this is the last line you see")]
    private static partial void LogWaiting(ILogger logger, string socket, TimeSpan timeout);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "X.509-SVID {SpiffeId} (valid until {NotAfter:O}; bundles: {TrustDomains})")]
    private static partial void LogSvid(ILogger logger, string spiffeId, DateTime notAfter, string trustDomains);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "SPIFFE Workload API stream at unix://{Socket} broke: {Problem}; opening it again in {Delay}")]
    private static partial void LogStreamBroken(ILogger logger, string socket, string problem, TimeSpan delay);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "SPIFFE Workload API at unix://{Socket} sent an unusable SVID, keeping the previous one: {Problem}")]
    private static partial void LogBadSvid(ILogger logger, string socket, string problem);
}

using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Ops;

/// <summary>
/// Asks <c>/readyz</c> on the ops port and gRPC health on the NSM socket, as kubelet's probe and NSMgr would, and
/// records every answer with the time it came (a refused connection is an answer too).
/// </summary>
public sealed class ReadinessProbe(int opsPort, string nsmSocket) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly GrpcChannel _nsm = UnixSocketChannelFactory.Create(nsmSocket, TimeSpan.FromSeconds(1));
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Every answer so far, oldest first.</summary>
    public List<Observation> Seen { get; } = [];

    /// <summary>
    /// Asks both once. Readiness turns true once while starting and false once while stopping, so asking gRPC health
    /// first while starting (and /readyz first while stopping) makes "health SERVING while /readyz is not ready" a real
    /// disagreement, never the moment between the two questions.
    /// </summary>
    public async Task<Observation> AskAsync(bool healthFirst = true)
    {
        var health = healthFirst ? await HealthAsync() : null;
        var readyz = await ReadyzAsync();
        health ??= await HealthAsync();
        var observation = new Observation(_clock.ElapsedMilliseconds, readyz, health);
        Seen.Add(observation);
        return observation;
    }

    /// <summary>What was seen, one line per answer, for failure messages.</summary>
    public string Describe() => string.Join(Environment.NewLine, Seen.Select(o => $"{o.AtMs,6} ms: readyz {o.Readyz}; health {o.Health}"));

    public void Dispose()
    {
        _http.Dispose();
        _nsm.Dispose();
    }

    private async Task<string> ReadyzAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{opsPort}/readyz"));
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK ? "200" : $"{(int)response.StatusCode} {body.ReplaceLineEndings(" | ")}";
        }
        catch (HttpRequestException ex)
        {
            return $"refused ({ex.HttpRequestError})";
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
    }

    private async Task<string> HealthAsync()
    {
        try
        {
            var reply = await new Health.HealthClient(_nsm).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            return reply.Status.ToString();
        }
        catch (RpcException ex)
        {
            return $"rpc {ex.StatusCode}";
        }
    }

    /// <summary>One round of questions.</summary>
    public sealed record Observation(long AtMs, string Readyz, string Health)
    {
        public bool Ready => Readyz == "200";

        public bool NotReady => Readyz.StartsWith("503", StringComparison.Ordinal);
    }
}

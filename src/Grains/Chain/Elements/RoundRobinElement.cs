using System.Collections.Concurrent;
using System.Text;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Picks among discover's candidates round robin per network service and tries each in turn until the
/// rest of the chain succeeds (upstream §6.8). It sits right after discover, so a retry with the next
/// candidate re-runs the mechanism branch, which undid its own work for the failed one.
/// </summary>
public sealed class RoundRobinElement : IChainElement
{
    private readonly ConcurrentDictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        var candidates = context.Candidates;
        if (candidates is null || candidates.Count == 0)
        {
            return await next.RequestAsync(request, context);
        }

        var service = request.Connection.NetworkService;
        var failures = new List<(string Name, Exception Error)>();
        for (var attempt = 0; attempt < candidates.Count; attempt++)
        {
            var counter = _counters.AddOrUpdate(service, 1, (_, c) => c + 1) - 1;
            var candidate = candidates[(int)((uint)counter % (uint)candidates.Count)];
            var attemptRequest = request.Clone();
            attemptRequest.Connection.NetworkServiceEndpointName = candidate.Name;
            context.ClientUrl = candidate.Url;
            try
            {
                return await next.RequestAsync(attemptRequest, context);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !context.CancellationToken.IsCancellationRequested)
            {
                // Once the caller gave up, the failure is not the candidate's: no other candidate is tried.
                failures.Add((candidate.Name, ex));
            }
        }

        throw AllFailed(failures);
    }

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next) =>
        next.CloseAsync(connection, context);

    private static ForwarderException AllFailed(List<(string Name, Exception Error)> failures)
    {
        var message = new StringBuilder("all candidates have failed:");
        for (var i = 0; i < failures.Count; i++)
        {
            message.Append(' ').Append(i + 1).Append(". An error during select endpoint ")
                .Append(failures[i].Name).Append(" --> ").Append(failures[i].Error.Message).Append(';');
        }

        var codes = failures.Select(f => f.Error is ForwarderException fe ? fe.Code : ForwarderErrorCode.Internal).Distinct().ToList();
        var code = codes.Count == 1 ? codes[0] : ForwarderErrorCode.Unavailable;
        return new ForwarderException(code, message.ToString().TrimEnd(';'), failures[^1].Error);
    }
}

using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Upstream's server mechanisms switch: routes to the branch of the connection's mechanism type, or
/// tries the client's preferences in order until one branch (and the rest of the chain after it)
/// succeeds. Each branch continues with this element's <c>next</c>, so a branch's post-work and undo
/// run after the next hop answered.
/// </summary>
public sealed class MechanismsElement(IReadOnlyDictionary<string, IChainElement> branches) : IChainElement, IRefreshableElement
{
    /// <summary>The branch per mechanism type.</summary>
    public IReadOnlyDictionary<string, IChainElement> Branches => branches;

    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        if (request.Connection.Mechanism is { Type.Length: > 0 } current)
        {
            var branch = branches.GetValueOrDefault(current.Type)
                ?? throw ForwarderException.Invalid($"unsupported mechanism \"{current.Type}\"");
            RecordServerInterface(request.Connection);
            return await branch.RequestAsync(request, context, next);
        }

        var failures = new List<Exception>();
        foreach (var preference in request.MechanismPreferences)
        {
            if (!branches.TryGetValue(preference.Type, out var branch))
            {
                continue;
            }

            var attempt = request.Clone();
            attempt.Connection.Mechanism = preference.Clone();
            RecordServerInterface(attempt.Connection);
            try
            {
                return await branch.RequestAsync(attempt, context, next);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !context.CancellationToken.IsCancellationRequested)
            {
                failures.Add(ex);
            }
        }

        if (failures.Count == 1)
        {
            throw failures[0];
        }

        var code = failures.OfType<ForwarderException>().Select(f => f.Code).FirstOrDefault(ForwarderErrorCode.InvalidArgument);
        throw new ForwarderException(code,
            "cannot support any of the requested mechanism: " + string.Join("; ", failures.Select(f => f.Message)),
            failures.LastOrDefault());
    }

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        // An unknown type still closes the rest of the chain, so the next hop is not left open.
        var type = connection.Mechanism?.Type ?? string.Empty;
        return branches.TryGetValue(type, out var branch)
            ? branch.CloseAsync(connection, context, next)
            : next.CloseAsync(connection, context);
    }

    // Upstream records which mechanism served this hop in the segment's metrics.
    private static void RecordServerInterface(Connection connection)
    {
        if (connection.Path is not { } path || path.Index >= path.PathSegments.Count)
        {
            return;
        }

        var mechanism = connection.Mechanism;
        var name = mechanism.Parameters.GetValueOrDefault(MechanismTypes.NameKey);
        path.PathSegments[(int)path.Index].Metrics.TryAdd(
            "server_interface", $"{mechanism.Type}/{(string.IsNullOrEmpty(name) ? "unknown" : name)}");
    }

    /// <summary>Refreshes the branch of the refreshed connection's mechanism type.</summary>
    public Task RefreshAsync(Connection result, ChainContext context) =>
        result.Mechanism is { Type: var type } && branches.GetValueOrDefault(type) is IRefreshableElement branch
            ? branch.RefreshAsync(result, context)
            : Task.CompletedTask;
}

using Microsoft.Extensions.Logging;
using SriovForwarder.Grains.Allocation;
using SriovForwarder.Grains.Interfaces;

namespace SriovForwarder.Grains.Node;

/// <summary>
/// The device-plugin side of a node: checks and applies kubelet's Allocate, frees the tokens of pods that are gone and
/// restores what pods hold after a restart, keeping the persisted list of allocated token ids in step. Changes
/// <paramref name="state"/> only; the node grain writes it and tells observers.
/// </summary>
public sealed class KubeletTokens(NodeAllocator allocator, NodeAllocationState state, ILogger logger)
{
    /// <summary>The resource names this node offers, in the order they were first configured.</summary>
    public IReadOnlyList<string> ResourceNames => [.. allocator.Tokens.Names];

    /// <summary>Marks the tokens allocated, all or nothing: every id must exist, belong to the resource and not be closed.</summary>
    /// <exception cref="VfAllocationException">The request names no ids, an unknown id, another resource's id or a closed token.</exception>
    public void Allocate(string resourceName, IReadOnlyList<string> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        if (tokenIds.Count == 0)
        {
            throw new VfAllocationException(VfAllocationFailure.InvalidRequest, $"allocate request for {resourceName} names no device ids");
        }

        // Check everything first so that a failure allocates nothing.
        foreach (var id in tokenIds)
        {
            if (!allocator.Tokens.Contains(id))
            {
                throw new VfAllocationException(VfAllocationFailure.UnknownToken, $"token doesn't exist: {id} (resource {resourceName})");
            }

            var name = allocator.Tokens.Find(id);
            if (name != resourceName)
            {
                throw new VfAllocationException(VfAllocationFailure.InvalidRequest, $"token {id} belongs to resource {name}, not {resourceName}");
            }

            if (allocator.Tokens.GetState(id) == TokenState.Closed)
            {
                throw new VfAllocationException(VfAllocationFailure.TokenClosed, $"token is closed: {name}:{id}");
            }
        }

        foreach (var id in tokenIds)
        {
            allocator.Tokens.Allocate(id);
            if (!state.AllocatedTokenIds.Contains(id))
            {
                state.AllocatedTokenIds.Add(id);
            }
        }
    }

    /// <summary>
    /// Frees the tokens whose pods are gone; returns the ids this node does not know and the reservations still held
    /// through a freed token (their connections are to be closed).
    /// </summary>
    public (IReadOnlyList<string> Unknown, IReadOnlyList<ReservationRecord> HeldByGonePods) Free(IReadOnlyList<string> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        var unknown = new List<string>();
        var held = new List<ReservationRecord>();
        foreach (var id in tokenIds)
        {
            if (!allocator.Tokens.Contains(id))
            {
                unknown.Add(id);
                continue;
            }

            allocator.Tokens.Free(id);
            state.AllocatedTokenIds.Remove(id);
            if (state.Reservations.Find(r => r.TokenId == id) is { } record)
            {
                NodeLog.PodGone(logger, record.ConnectionId, record.TokenId, record.VfAddress);
                held.Add(record);
            }
        }

        return (unknown, held);
    }

    /// <summary>The tokens kubelet allocated to pods, by resource name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Allocated() =>
        // Activation forgets persisted ids the configuration no longer offers, so every id here has a name.
        state.AllocatedTokenIds
            .GroupBy(allocator.Tokens.Find, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g], StringComparer.Ordinal);

    /// <summary>Allocates the free tokens pods hold according to kubelet; logs ids this node does not know. Returns whether anything changed.</summary>
    public bool Restore(IReadOnlyDictionary<string, IReadOnlyList<string>> tokensByResource)
    {
        ArgumentNullException.ThrowIfNull(tokensByResource);
        var changed = false;
        foreach (var (name, ids) in tokensByResource)
        {
            foreach (var id in ids)
            {
                if (!allocator.Tokens.Contains(id) || allocator.Tokens.Find(id) != name)
                {
                    NodeLog.UnknownRestoredToken(logger, id, name);
                    continue;
                }

                if (allocator.Tokens.GetState(id) == TokenState.Free)
                {
                    allocator.Tokens.Allocate(id);
                    state.AllocatedTokenIds.Add(id);
                    changed = true;
                }
            }
        }

        return changed;
    }
}

namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// The tokens pods hold as far as this process knows (allocated by kubelet, restored from pod resources, or
/// recorded as allocated by the node grain before this process started), with
/// upstream's two-step grace: a token missing from one pod-resources answer is only marked; missing
/// from the next as well, it is due to be freed. Thread-safe.
/// </summary>
public sealed class AllocatedTokenTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _tokens = new(StringComparer.Ordinal);

    /// <summary>How many tokens are tracked.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _tokens.Count;
            }
        }
    }

    /// <summary>Records that pods hold these tokens of <paramref name="resourceName"/> (a fresh grace).</summary>
    public void Track(string resourceName, IEnumerable<string> tokenIds)
    {
        lock (_lock)
        {
            foreach (var id in tokenIds)
            {
                _tokens[id] = new Entry(resourceName, Seen: true);
            }
        }
    }

    /// <summary>True when the token is tracked.</summary>
    public bool Contains(string tokenId)
    {
        lock (_lock)
        {
            return _tokens.ContainsKey(tokenId);
        }
    }

    /// <summary>
    /// Applies one poll. <paramref name="listed"/> is kubelet's answer (resource name → token ids pods hold);
    /// <paramref name="allocated"/> is what the node grain records as allocated (same shape), which includes
    /// tokens allocated before this process started. Tracked tokens that are listed are seen; unlisted ones are
    /// marked the first time and returned (and forgotten) the second time. Allocated tokens not tracked yet start
    /// being tracked: seen when listed, otherwise already marked, so this poll counts as their first miss.
    /// </summary>
    public IReadOnlyList<TrackedToken> Reconcile(
        IReadOnlyDictionary<string, IReadOnlyList<string>> listed,
        IReadOnlyDictionary<string, IReadOnlyList<string>> allocated)
    {
        ArgumentNullException.ThrowIfNull(listed);
        ArgumentNullException.ThrowIfNull(allocated);
        var present = Pairs(listed);
        var due = new List<TrackedToken>();
        lock (_lock)
        {
            foreach (var (id, entry) in _tokens.ToList())
            {
                if (present.Contains((entry.Resource, id)))
                {
                    _tokens[id] = entry with { Seen = true };
                }
                else if (entry.Seen)
                {
                    _tokens[id] = entry with { Seen = false };
                }
                else
                {
                    _tokens.Remove(id);
                    due.Add(new TrackedToken(entry.Resource, id));
                }
            }

            var dueIds = due.Select(t => t.TokenId).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, id) in Pairs(allocated))
            {
                // A token due now is still allocated in the node's answer, read before this poll frees it.
                if (!dueIds.Contains(id))
                {
                    _tokens.TryAdd(id, new Entry(name, Seen: present.Contains((name, id))));
                }
            }
        }

        return due;
    }

    /// <summary>Puts back tokens whose freeing failed, so the next poll tries again.</summary>
    public void Return(IEnumerable<TrackedToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        lock (_lock)
        {
            foreach (var token in tokens)
            {
                _tokens.TryAdd(token.TokenId, new Entry(token.ResourceName, Seen: false));
            }
        }
    }

    private static HashSet<(string Resource, string Id)> Pairs(IReadOnlyDictionary<string, IReadOnlyList<string>> byResource)
    {
        var pairs = new HashSet<(string, string)>();
        foreach (var (name, ids) in byResource)
        {
            foreach (var id in ids)
            {
                pairs.Add((name, id));
            }
        }

        return pairs;
    }

    private readonly record struct Entry(string Resource, bool Seen);
}

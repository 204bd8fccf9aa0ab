namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// The tokens this process knows pods hold (allocated by kubelet or restored from pod resources), with
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
    /// Applies one pod-resources answer (resource name → token ids pods hold): listed tokens are
    /// seen; unlisted ones are marked the first time and returned (and forgotten) the second time.
    /// </summary>
    public IReadOnlyList<TrackedToken> Reconcile(IReadOnlyDictionary<string, IReadOnlyList<string>> listed)
    {
        ArgumentNullException.ThrowIfNull(listed);
        var present = new HashSet<(string, string)>();
        foreach (var (name, ids) in listed)
        {
            foreach (var id in ids)
            {
                present.Add((name, id));
            }
        }

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

    private readonly record struct Entry(string Resource, bool Seen);
}

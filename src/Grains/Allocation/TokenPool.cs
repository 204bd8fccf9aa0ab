namespace SriovForwarder.Grains.Allocation;

/// <summary>The device-plugin tokens of a node with upstream's states and sibling-closing rules (not thread-safe: the node grain serialises calls).</summary>
/// <remarks>
/// Every lookup is a dictionary hit and choosing the sibling to close reads an ordered bitmap index, so no
/// operation scans the tokens of a name. <see cref="Changed"/> is raised synchronously, after the change,
/// wherever upstream fires its listeners (a successful Use and every stop-using transition).
/// </remarks>
public sealed class TokenPool
{
    private readonly Dictionary<string, Token> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenGroup> _byName = new(StringComparer.Ordinal);
    private bool _accessed;

    /// <summary>Creates, for every PF and each of its names, one free token per VF (upstream's construction).</summary>
    /// <param name="physicalFunctions">The PFs; a name's capacity is the sum of the VF counts of the PFs offering it.</param>
    /// <param name="newTokenId">Makes token ids; defaults to <see cref="TokenId.New"/>.</param>
    public TokenPool(IEnumerable<PoolPhysicalFunction> physicalFunctions, Func<string>? newTokenId = null)
    {
        ArgumentNullException.ThrowIfNull(physicalFunctions);
        newTokenId ??= TokenId.New;
        var pfs = physicalFunctions.ToList();
        var capacities = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var pf in pfs)
        {
            foreach (var name in pf.ResourceNames.Distinct(StringComparer.Ordinal))
            {
                if (!capacities.TryGetValue(name, out var capacity))
                {
                    order.Add(name);
                }

                capacities[name] = capacity + pf.VirtualFunctions.Count;
            }
        }

        foreach (var name in order)
        {
            _byName[name] = new TokenGroup(name, capacities[name]);
        }

        foreach (var pf in pfs)
        {
            foreach (var name in pf.ResourceNames.Distinct(StringComparer.Ordinal))
            {
                var group = _byName[name];
                for (var i = 0; i < pf.VirtualFunctions.Count; i++)
                {
                    var id = newTokenId();
                    if (_byId.ContainsKey(id))
                    {
                        throw new InvalidOperationException($"token id generator returned a duplicate id: {id}");
                    }

                    var token = new Token(id, group, group.Tokens.Count) { HomeVf = pf.VirtualFunctions[i].Address };
                    group.Tokens.Add(token);
                    group.Enter(token);
                    _byId.Add(id, token);
                }
            }
        }
    }

    /// <summary>Raised synchronously after every successful Use and every stop-using transition; handlers must be cheap and must not call back into the pool.</summary>
    public event Action? Changed;

    /// <summary>Counts the changes that raised <see cref="Changed"/>, so a poller can tell whether anything moved.</summary>
    public long Version { get; private set; }

    /// <summary>The token names in the order they were first offered.</summary>
    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>The number of tokens of a name (0 for an unknown name); does not count as an access.</summary>
    public int Capacity(string name) => _byName.TryGetValue(name, out var group) ? group.Tokens.Count : 0;

    /// <summary>Returns the name of a token.</summary>
    /// <exception cref="AllocationException"><c>token doesn't exist: &lt;id&gt;</c>.</exception>
    public string Find(string id)
    {
        _accessed = true;
        return Get(id).Group.Name;
    }

    /// <summary>Kubelet's Allocate: free or allocated → allocated; in use → stop using, then allocated.</summary>
    /// <exception cref="AllocationException">Unknown id, or the token is closed.</exception>
    public void Allocate(string id)
    {
        _accessed = true;
        var token = Get(id);
        switch (token.State)
        {
            case TokenState.Closed:
                throw Error(AllocationError.TokenClosed, "token is closed", token);
            case TokenState.InUse:
                StopUsing(token);
                break;
            default:
                token.SetState(TokenState.Allocated);
                break;
        }
    }

    /// <summary>The pod is gone: allocated → free; in use → stop using, then free; free and closed stay as they are.</summary>
    /// <exception cref="AllocationException">Unknown id.</exception>
    public void Free(string id)
    {
        _accessed = true;
        var token = Get(id);
        switch (token.State)
        {
            case TokenState.Closed:
            case TokenState.Free:
                return;
            case TokenState.InUse:
                StopUsing(token);
                break;
            default:
                break;
        }

        token.SetState(TokenState.Free);
    }

    /// <summary>A VF was selected through the token: free or allocated → in use, closing one token of every other name of the VF's PF.</summary>
    /// <param name="id">The token id.</param>
    /// <param name="names">All token names of the PF whose VF was selected.</param>
    /// <exception cref="AllocationException">Unknown id, or the token is in use or closed.</exception>
    public void Use(string id, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _accessed = true;
        var token = Get(id);
        ThrowIfNotUsable(token);
        token.SetState(TokenState.InUse);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (string.Equals(name, token.Group.Name, StringComparison.Ordinal)
                || !_byName.TryGetValue(name, out var group)
                || IsEarlierDuplicate(names, i))
            {
                continue;
            }

            var sibling = group.SiblingToClose();
            if (sibling is null)
            {
                continue;
            }

            sibling.SetState(TokenState.Closed);
            sibling.ClosedBy = token;
            token.Closed.Add(sibling);
        }

        RaiseChanged();
    }

    /// <summary>The VF was freed: in use → allocated, and every token closed for it becomes free.</summary>
    /// <exception cref="AllocationException">Unknown id, or <c>token is not in use: &lt;name&gt;:&lt;id&gt; - &lt;state&gt;</c>.</exception>
    public void StopUsing(string id)
    {
        _accessed = true;
        var token = Get(id);
        if (token.State != TokenState.InUse)
        {
            throw new AllocationException(
                AllocationError.TokenNotInUse,
                $"token is not in use: {token.Group.Name}:{token.Id} - {StateName(token.State)}");
        }

        StopUsing(token);
    }

    /// <summary>Per name, token id → available (true unless closed): what each device plugin reports.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Tokens()
    {
        _accessed = true;
        var result = new Dictionary<string, IReadOnlyDictionary<string, bool>>(StringComparer.Ordinal);
        foreach (var (name, group) in _byName)
        {
            var tokens = new Dictionary<string, bool>(group.Tokens.Count, StringComparer.Ordinal);
            foreach (var token in group.Tokens)
            {
                tokens[token.Id] = token.State != TokenState.Closed;
            }

            result[name] = tokens;
        }

        return result;
    }

    /// <summary>Start-up only: the first k tokens of each known name take the given ids (kubelet's current assignments) and become allocated.</summary>
    /// <remarks>Unknown names, surplus ids and ids already present are ignored.</remarks>
    /// <exception cref="AllocationException"><c>token pool has already been accessed</c> after any other call (or a second Restore).</exception>
    public void Restore(IReadOnlyDictionary<string, IReadOnlyList<string>> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (_accessed)
        {
            throw new AllocationException(AllocationError.PoolAlreadyAccessed, "token pool has already been accessed");
        }

        _accessed = true;
        foreach (var (name, given) in ids)
        {
            if (!_byName.TryGetValue(name, out var group))
            {
                continue;
            }

            var next = 0;
            foreach (var id in given)
            {
                if (next == group.Tokens.Count)
                {
                    break;
                }

                if (_byId.ContainsKey(id))
                {
                    continue;
                }

                var token = group.Tokens[next++];
                _byId.Remove(token.Id);
                token.Id = id;
                _byId.Add(id, token);
                token.SetState(TokenState.Allocated);
            }
        }
    }

    /// <summary>The state of a token, for snapshots; does not count as an access.</summary>
    /// <exception cref="AllocationException">Unknown id.</exception>
    public TokenState GetState(string id) => Get(id).State;

    /// <summary>The VF the token was made for (see <c>Token.HomeVf</c>), or null for an unknown id; does not count as an access.</summary>
    public string? HomeVfOf(string id) => _byId.TryGetValue(id, out var token) ? token.HomeVf : null;

    /// <summary>Whether the id is a token of this pool; does not count as an access.</summary>
    public bool Contains(string id) => _byId.ContainsKey(id);

    /// <summary>Every token in name order, then list order, for snapshots; does not count as an access.</summary>
    public IReadOnlyList<TokenInfo> Snapshot()
    {
        var result = new List<TokenInfo>(_byId.Count);
        foreach (var group in _byName.Values)
        {
            foreach (var token in group.Tokens)
            {
                result.Add(new TokenInfo(token.Id, group.Name, token.State, token.ClosedBy?.Id));
            }
        }

        return result;
    }

    /// <summary>Checks the pool's internal consistency; throws <see cref="InvalidOperationException"/> naming the first broken rule.</summary>
    public void CheckInvariants()
    {
        var count = 0;
        foreach (var group in _byName.Values)
        {
            if (!group.IndexesMatch())
            {
                throw new InvalidOperationException($"free/allocated indexes disagree with token states for {group.Name}");
            }

            foreach (var token in group.Tokens)
            {
                count++;
                if (!_byId.TryGetValue(token.Id, out var byId) || !ReferenceEquals(byId, token))
                {
                    throw new InvalidOperationException($"token {token.Id} is not indexed by its id");
                }

                CheckClosing(token);
            }
        }

        if (count != _byId.Count)
        {
            throw new InvalidOperationException($"{_byId.Count} ids indexed for {count} tokens");
        }
    }

    internal static string StateName(TokenState state) => state switch
    {
        TokenState.Free => "free",
        TokenState.Allocated => "allocated",
        TokenState.InUse => "inUse",
        TokenState.Closed => "closed",
        _ => state.ToString(),
    };

    /// <summary>The name of a token, or null; does not count as an access.</summary>
    internal string? PeekName(string id) => _byId.TryGetValue(id, out var token) ? token.Group.Name : null;

    /// <summary>Stops using the token if it exists and is in use (one lookup); returns whether it did.</summary>
    internal bool StopUsingIfInUse(string id)
    {
        if (!_byId.TryGetValue(id, out var token) || token.State != TokenState.InUse)
        {
            return false;
        }

        _accessed = true;
        StopUsing(token);
        return true;
    }

    /// <summary>Throws what Use would throw for this token, without changing anything.</summary>
    internal void ThrowIfNotUsable(string id) => ThrowIfNotUsable(Get(id));

    private static void ThrowIfNotUsable(Token token)
    {
        switch (token.State)
        {
            case TokenState.InUse:
                throw Error(AllocationError.TokenInUse, "token is inUse", token);
            case TokenState.Closed:
                throw Error(AllocationError.TokenClosed, "token is closed", token);
            default:
                break;
        }
    }

    private static bool IsEarlierDuplicate(IReadOnlyList<string> names, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(names[i], names[index], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void CheckClosing(Token token)
    {
        if (token.State == TokenState.Closed)
        {
            if (token.ClosedBy is not { State: TokenState.InUse } closer || !closer.Closed.Contains(token))
            {
                throw new InvalidOperationException($"closed token {token.Id} is not listed by an in-use token");
            }
        }
        else if (token.ClosedBy is not null)
        {
            throw new InvalidOperationException($"{StateName(token.State)} token {token.Id} still records a closer");
        }

        if (token.State != TokenState.InUse && token.Closed.Count > 0)
        {
            throw new InvalidOperationException($"{StateName(token.State)} token {token.Id} still holds closed siblings");
        }

        foreach (var sibling in token.Closed)
        {
            if (sibling.ClosedBy != token || sibling.Group == token.Group
                || token.Closed.Count(other => other.Group == sibling.Group) != 1)
            {
                throw new InvalidOperationException($"token {token.Id} holds a sibling it did not close once: {sibling.Id}");
            }
        }
    }

    private static AllocationException Error(AllocationError error, string what, Token token) =>
        new(error, $"{what}: {token.Group.Name}:{token.Id}");

    private Token Get(string id) =>
        _byId.TryGetValue(id, out var token)
            ? token
            : throw new AllocationException(AllocationError.TokenNotFound, $"token doesn't exist: {id}");

    private void StopUsing(Token token)
    {
        token.SetState(TokenState.Allocated);
        foreach (var sibling in token.Closed)
        {
            sibling.ClosedBy = null;
            sibling.SetState(TokenState.Free);
        }

        token.Closed.Clear();
        RaiseChanged();
    }

    private void RaiseChanged()
    {
        Version++;
        Changed?.Invoke();
    }
}

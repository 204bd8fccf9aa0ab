namespace SriovForwarder.Grains.Allocation;

/// <summary>The tokens of one name, with ordered indexes of the free and allocated ones.</summary>
internal sealed class TokenGroup(string name, int capacity)
{
    private readonly IndexSet _free = new(capacity);
    private readonly IndexSet _allocated = new(capacity);

    public string Name { get; } = name;

    public List<Token> Tokens { get; } = new(capacity);

    public int FreeCount => _free.Count;

    public int AllocatedCount => _allocated.Count;

    /// <summary>Upstream's choice of a sibling to close: the first free token, otherwise the first allocated one.</summary>
    public Token? SiblingToClose()
    {
        var ordinal = _free.First();
        if (ordinal < 0)
        {
            ordinal = _allocated.First();
        }

        return ordinal < 0 ? null : Tokens[ordinal];
    }

    public void Enter(Token token)
    {
        switch (token.State)
        {
            case TokenState.Free:
                _free.Add(token.Ordinal);
                break;
            case TokenState.Allocated:
                _allocated.Add(token.Ordinal);
                break;
            default:
                break;
        }
    }

    public void Leave(Token token)
    {
        _free.Remove(token.Ordinal);
        _allocated.Remove(token.Ordinal);
    }

    public bool IndexesMatch()
    {
        var free = 0;
        var allocated = 0;
        foreach (var token in Tokens)
        {
            var isFree = token.State == TokenState.Free;
            var isAllocated = token.State == TokenState.Allocated;
            if (_free.Contains(token.Ordinal) != isFree || _allocated.Contains(token.Ordinal) != isAllocated)
            {
                return false;
            }

            free += isFree ? 1 : 0;
            allocated += isAllocated ? 1 : 0;
        }

        return free == _free.Count && allocated == _allocated.Count;
    }
}

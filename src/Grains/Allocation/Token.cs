namespace SriovForwarder.Grains.Allocation;

/// <summary>One device-plugin token inside <see cref="TokenPool"/>.</summary>
internal sealed class Token(string id, TokenGroup group, int ordinal)
{
    public string Id { get; set; } = id;

    public TokenGroup Group { get; } = group;

    /// <summary>The position in the name's list; "first free" means the lowest ordinal.</summary>
    public int Ordinal { get; } = ordinal;

    public TokenState State { get; private set; }

    /// <summary>The VF this token was made for (one token per VF of each PF and name): its health is the token's while the token holds no VF.</summary>
    public string? HomeVf { get; init; }

    /// <summary>For a closed token, the in-use token it was closed for.</summary>
    public Token? ClosedBy { get; set; }

    /// <summary>For an in-use token, the sibling tokens it closed; reused so Use does not allocate.</summary>
    public List<Token> Closed { get; } = [];

    public void SetState(TokenState state)
    {
        Group.Leave(this);
        State = state;
        Group.Enter(this);
    }
}

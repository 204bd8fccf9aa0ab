namespace SriovForwarder.Grains.Chain;

/// <summary>Composes elements into a chain by wrapping them in reverse, once, so each element's <c>next</c> is the one after it.</summary>
public static class ChainBuilder
{
    /// <summary>The chain of <paramref name="elements"/> in call order, ending in <paramref name="tail"/>.</summary>
    public static IChainNext Build(IReadOnlyList<IChainElement> elements, IChainNext? tail = null)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var next = tail ?? ChainTail.Instance;
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            next = new ChainLink(elements[i], next);
        }

        return next;
    }

    /// <summary>The elements of a chain built by <see cref="Build"/>, in call order (for tests and diagnostics).</summary>
    public static IReadOnlyList<IChainElement> ElementsOf(IChainNext chain)
    {
        var result = new List<IChainElement>();
        while (chain is ChainLink link)
        {
            result.Add(link.Element);
            chain = link.Next;
        }

        return result;
    }
}

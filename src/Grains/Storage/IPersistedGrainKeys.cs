namespace SriovForwarder.Grains.Storage;

/// <summary>Lists the keys of the grains of one type that have state on this node, so a restart can find them all.</summary>
public interface IPersistedGrainKeys
{
    /// <summary>The keys of the grains of <paramref name="grainType"/> with a persisted <paramref name="stateName"/> (files written before keys were kept are left out).</summary>
    IReadOnlyList<string> ListKeys(GrainType grainType, string stateName);
}

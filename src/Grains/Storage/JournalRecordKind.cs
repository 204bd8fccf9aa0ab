namespace SriovForwarder.Grains.Storage;

/// <summary>What a <see cref="JournalRecord"/> does to its grain's state.</summary>
public enum JournalRecordKind : byte
{
    /// <summary>The record carries the grain's whole new state.</summary>
    Write = 1,

    /// <summary>The grain's state was cleared.</summary>
    Clear = 2,
}

using Microsoft.Extensions.Logging;

namespace SriovForwarder.Grains.Storage;

/// <summary>Log messages of the grain state journal (event ids 1650–1699).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 1650, Level = LogLevel.Information, Message = "Replayed {Files} grain state journal file(s) left by the last process: {Records} record(s) for {States} state(s), written into the snapshot files")]
    public static partial void Replayed(ILogger logger, int files, int records, int states);

    [LoggerMessage(EventId = 1651, Level = LogLevel.Warning, Message = "The grain state journal {Path} ends with {Bytes} byte(s) that are no whole record (a write cut short by a crash, or damage); replayed the {Records} record(s) before them and dropped the rest")]
    public static partial void TornTailDropped(ILogger logger, string path, long bytes, int records);

    [LoggerMessage(EventId = 1652, Level = LogLevel.Debug, Message = "Compacted the grain state journal {Path} into {States} snapshot file(s)")]
    public static partial void Compacted(ILogger logger, string path, int states);

    [LoggerMessage(EventId = 1653, Level = LogLevel.Error, Message = "Could not compact the grain state journal {Path}: {Reason}; its records stay in the journal and are replayed at the next start")]
    public static partial void CompactionFailed(ILogger logger, string path, string reason);
}

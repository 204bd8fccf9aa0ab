namespace SriovForwarder.Silo.Configuration;

/// <summary>How log lines are written to standard output (<c>NSM_LOG_FORMAT</c>).</summary>
public enum LogFormat
{
    /// <summary>One line per message: UTC timestamp, level, category and event id, message (exception on the same line).</summary>
    Text,

    /// <summary>One JSON object per line, for log collectors: timestamp, level, category, event id, message, exception, state, scopes.</summary>
    Json,
}

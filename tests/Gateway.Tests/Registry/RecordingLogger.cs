using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary>Keeps every formatted log line with its event id, so tests can check what was reported and how often.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Lines { get; } = new();

    public int Count(int eventId) => Lines.Count(l => l.EventId == eventId);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Gateway.Tests.DevicePlugin;

/// <summary>Keeps every formatted log line, so tests can check that a failure was reported clearly.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public bool Has(int eventId, string containing) =>
        Lines.Any(l => l.EventId == eventId && l.Message.Contains(containing, StringComparison.Ordinal));

    public int Count(int eventId) => Lines.Count(l => l.EventId == eventId);

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }
}

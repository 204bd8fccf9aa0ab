using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary>Keeps every formatted log line with its event id, so tests can check what was reported and how often.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private event Action? Logged;

    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Lines { get; } = new();

    public int Count(int eventId) => Lines.Count(l => l.EventId == eventId);

    /// <summary>Completes once <paramref name="count"/> lines with <paramref name="eventId"/> were logged; fails after 20 s.</summary>
    public async Task WaitForAsync(int eventId, int count = 1, CancellationToken cancellationToken = default)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (Count(eventId) >= count)
            {
                reached.TrySetResult();
            }
        }

        Logged += Check;
        try
        {
            Check();
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"gave up waiting for {count} lines with event id {eventId}; saw {Count(eventId)}");
        }
        finally
        {
            Logged -= Check;
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
        Logged?.Invoke();
    }

}

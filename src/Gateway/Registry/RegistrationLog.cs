using Microsoft.Extensions.Logging;

namespace SriovForwarder.Gateway.Registry;

/// <summary>Log messages of the registry registration; state changes at Information/Warning, routine refreshes at Debug.</summary>
internal static partial class RegistrationLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information,
        Message = "Registered with the NSM registry at {Registry} as {Name} (service {Service}, url {Url}); next refresh in {Refresh}")]
    public static partial void Registered(ILogger logger, string registry, string name, string service, string url, TimeSpan refresh);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Refreshed the registration of {Name}; next refresh in {Refresh}")]
    public static partial void Refreshed(ILogger logger, string name, TimeSpan refresh);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning,
        Message = "The NSM registry at {Registry} is unreachable or refused the registration of {Name}: {Error}. Still serving; retrying with backoff (up to every {MaxDelay}) until it answers")]
    public static partial void Unreachable(ILogger logger, string registry, string name, string error, TimeSpan maxDelay);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Registration attempt {Attempt} of {Name} failed: {Error}")]
    public static partial void AttemptFailed(ILogger logger, int attempt, string name, string error);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Unregistered {Name} from the NSM registry at {Registry}")]
    public static partial void Unregistered(ILogger logger, string name, string registry);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning,
        Message = "Could not unregister {Name} from the NSM registry at {Registry}: {Error}; it will expire the entry")]
    public static partial void UnregisterFailed(ILogger logger, string name, string registry, string error);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Error, Message = "Cannot register with the NSM registry: {Error}")]
    public static partial void BadConfiguration(ILogger logger, string error);

    [LoggerMessage(EventId = 7110, Level = LogLevel.Warning,
        Message = "The registration of {Name} at {Registry}: policy failed: {Policy}; retrying")]
    public static partial void PolicyFailed(ILogger logger, string name, string registry, string policy);

    [LoggerMessage(EventId = 7200, Level = LogLevel.Warning,
        Message = "The NSM registry at {Registry} dropped the watch of our registration {Name} ({Reason}); registering again now (heal)")]
    public static partial void WatchLost(ILogger logger, string name, string registry, string reason);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information,
        Message = "The NSM registry at {Registry} does not implement Find, so the registration of {Name} is not watched (no heal); the refreshes keep it")]
    public static partial void NoWatch(ILogger logger, string registry, string name);
}

using System.Reflection;
using Microsoft.Extensions.Logging;
using SriovForwarder.Silo.Hosting;

namespace SriovForwarder.Silo.Tests.Logging;

/// <summary>Every <c>[LoggerMessage]</c> of our assemblies has its own event id (the table is <c>docs/log-event-ids.md</c>).</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void LoggerMessages_AcrossOurAssemblies_HaveDistinctEventIds()
    {
        var messages = OurAssemblies().SelectMany(LoggerMessages).ToList();

        // Guards the reflection itself: the attributes must be found, or the test would pass on nothing.
        Assert.True(messages.Count > 100, $"found only {messages.Count} [LoggerMessage] methods");
        var duplicates = messages
            .GroupBy(message => message.EventId)
            .Where(group => group.Count() > 1)
            .Select(group => $"event id {group.Key}: {string.Join(" and ", group.Select(message => message.Method))}")
            .ToList();
        Assert.True(duplicates.Count == 0, "duplicate log event ids (pick a free id from docs/log-event-ids.md):\n" + string.Join("\n", duplicates));
    }

    [Fact]
    public void LoggerMessages_AcrossOurAssemblies_EachSetAnEventId()
    {
        var missing = OurAssemblies().SelectMany(LoggerMessages).Where(message => message.EventId < 0).Select(message => message.Method).ToList();

        Assert.True(missing.Count == 0, "[LoggerMessage] without an EventId: " + string.Join(", ", missing));
    }

    // The executable's assembly and every SriovForwarder assembly it references, directly or not.
    private static IEnumerable<Assembly> OurAssemblies()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(ForwarderProgram).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(name => name.Name!.StartsWith("SriovForwarder.", StringComparison.Ordinal)))
            {
                pending.Push(Assembly.Load(reference));
            }
        }

        return found.Values;
    }

    private static IEnumerable<(int EventId, string Method)> LoggerMessages(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (attribute.EventId, $"{type.FullName}.{method.Name}");
}

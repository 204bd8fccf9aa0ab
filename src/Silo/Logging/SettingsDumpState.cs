using System.Collections;

namespace SriovForwarder.Silo.Logging;

/// <summary>
/// The state of the JSON settings dump: one field per variable. The JSON console formatter writes every pair of a state
/// that is a collection of key-value pairs into the line's <c>State</c> object.
/// </summary>
internal sealed class SettingsDumpState(IReadOnlyList<KeyValuePair<string, string>> values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => values.Count;

    public KeyValuePair<string, object?> this[int index] => new(values[index].Key, values[index].Value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The message: the variables as <c>NAME=value</c>, space-separated.</summary>
    public override string ToString() => "Configuration: " + string.Join(' ', values.Select(v => $"{v.Key}={v.Value}"));
}

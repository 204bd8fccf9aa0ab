using Microsoft.Extensions.Options;

namespace SriovForwarder.Grains.Outbound;

/// <summary>The rules of <see cref="NextHopOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class NextHopOptionsValidator : IValidateOptions<NextHopOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NextHopOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.ConnectTo))
        {
            failures.Add("ConnectTo (NSM_CONNECT_TO) must not be empty");
        }

        // A zero dial timeout would fail every next hop before the connection could open.
        if (options.DialTimeout <= TimeSpan.Zero)
        {
            failures.Add("DialTimeout (NSM_DIAL_TIMEOUT) must be positive");
        }

        if (options.CallTimeout <= TimeSpan.Zero)
        {
            failures.Add("CallTimeout must be positive");
        }

        if (options.RegistryTimeout <= TimeSpan.Zero)
        {
            failures.Add("RegistryTimeout must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

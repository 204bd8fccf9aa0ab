using Microsoft.Extensions.Options;

namespace SriovForwarder.Gateway.Registry;

/// <summary>The rules of <see cref="RegistrationOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class RegistrationOptionsValidator : IValidateOptions<RegistrationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RegistrationOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.ConnectTo))
        {
            failures.Add("ConnectTo (NSM_CONNECT_TO) must not be empty");
        }

        if (string.IsNullOrEmpty(options.Name))
        {
            failures.Add("Name (NSM_NAME) must not be empty");
        }

        if (string.IsNullOrEmpty(options.NetworkServiceName))
        {
            failures.Add("NetworkServiceName (NSM_NSNAME) must not be empty");
        }

        // A zero lifetime would register an entry that has already expired.
        if (options.Lifetime <= TimeSpan.Zero)
        {
            failures.Add("Lifetime (NSM_MAX_TOKEN_LIFETIME) must be positive");
        }

        foreach (var (option, value) in new[]
        {
            ("DialTimeout", options.DialTimeout), ("CallTimeout", options.CallTimeout), ("FirstRetryDelay", options.FirstRetryDelay),
            ("MaxRetryDelay", options.MaxRetryDelay), ("UnregisterTimeout", options.UnregisterTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{option} must be positive");
            }
        }

        if (options.FirstRetryDelay > options.MaxRetryDelay)
        {
            failures.Add("FirstRetryDelay must not exceed MaxRetryDelay");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Options;

namespace SriovForwarder.Kernel.Cgroups;

/// <summary>The rules of <see cref="DeviceCgroupOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class DeviceCgroupOptionsValidator : IValidateOptions<DeviceCgroupOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DeviceCgroupOptions options)
    {
        var failures = new List<string>();
        // Client cgroup patterns are confined below these roots, which needs them absolute.
        if (!Path.IsPathFullyQualified(options.CgroupRoot ?? ""))
        {
            failures.Add("CgroupRoot (NSM_CGROUP_PATH) must be an absolute path");
        }

        if (!Path.IsPathFullyQualified(options.Cgroup2Root ?? ""))
        {
            failures.Add("Cgroup2Root (NSM_CGROUP2_PATH) must be an absolute path");
        }

        if (!Path.IsPathFullyQualified(options.BpfPinRoot ?? ""))
        {
            failures.Add("BpfPinRoot (NSM_BPF_PIN_PATH) must be an absolute path");
        }

        if (options.ReconcileInterval <= TimeSpan.Zero)
        {
            failures.Add("ReconcileInterval must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

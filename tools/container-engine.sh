# The container engine command the image scripts use (sourced): $CONTAINER_ENGINE, else podman, else docker; podman runs runc where it is installed.
# Sets the array ENGINE, e.g. (podman --runtime runc) or (docker). crun fails on hosts with hybrid cgroups v1, runc does not.
container_engine() {
  if [ -n "${CONTAINER_ENGINE:-}" ]; then
    read -r -a ENGINE <<<"$CONTAINER_ENGINE"
  elif command -v podman >/dev/null 2>&1; then
    ENGINE=(podman)
    if command -v runc >/dev/null 2>&1; then ENGINE+=(--runtime "$(command -v runc)"); fi
  elif command -v docker >/dev/null 2>&1; then
    ENGINE=(docker)
  else
    echo "neither podman nor docker is installed (or set CONTAINER_ENGINE)" >&2
    return 1
  fi
}

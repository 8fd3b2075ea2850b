#pragma once
// FunctionRef<R(Args...)>: a non-owning reference to something callable, for a callback that
// is only called while the function taking it runs (SyncHooks' `local`). Cheaper than
// std::function for the translation unit that passes a lambda: one constructor and one thunk
// per callable type, nothing stored on the heap. The callable must outlive the reference.
#include <memory>
#include <type_traits>
#include <utility>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

template <class Sig>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
public:
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> &&
             std::is_invocable_r_v<R, F&, Args...>) FunctionRef(F&& f)
    noexcept // NOLINT: implicit, as std::function's
        : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
          call_(&thunk<std::remove_reference_t<F>>) {}

    R operator()(Args... args) const { return call_(obj_, std::forward<Args>(args)...); }

private:
    template <class F>
    static R thunk(void* obj, Args... args) {
        return static_cast<R>((*static_cast<F*>(obj))(std::forward<Args>(args)...));
    }

    void* obj_;
    R (*call_)(void*, Args...);
};

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

// Search and filters over the gallery: prompt words, step count, model, date range, favourites.
// A proxy model, so the grid, selection and viewer navigation all see the same filtered list.
#pragma once
#include <QDateTime>
#include <QSortFilterProxyModel>
#include <QStringList>

namespace lightning::ui {

struct GalleryItem;
class GalleryModel;

struct GalleryFilter {
    QString text;     // words that must all appear in the prompt (any case, any order)
    int steps = 0;    // 0: any
    QString model;    // checkpoint_name(); "": any
    QDateTime since;  // created at or after (UTC); invalid: no lower bound
    QDateTime until;  // created before (UTC); invalid: no upper bound
    bool favourites_only = false;

    bool accepts(const GalleryItem& item) const;
    // The same with `text` already split into words (filtering thousands of rows splits once).
    bool accepts(const GalleryItem& item, const QStringList& words) const;
    static QStringList words_of(const QString& text);
    bool is_empty() const;
    bool operator==(const GalleryFilter&) const = default;
};

// Date filter presets: the lower bound each gives, counted back from `now` in local time
// (Today starts at local midnight).
enum class DateRange { Any, Today, Last7Days, Last30Days, ThisYear };
QDateTime range_start(DateRange range, const QDateTime& now);

class GalleryFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit GalleryFilterModel(GalleryModel* gallery, QObject* parent = nullptr);

    void set_filter(const GalleryFilter& filter);
    const GalleryFilter& filter() const { return filter_; }
    GalleryModel* gallery() const { return gallery_; }
    // The gallery row of a row of this model, and back (-1 when not shown).
    int source_row(int row) const;
    int row_of(int source_row) const;

protected:
    bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

private:
    GalleryModel* gallery_;
    GalleryFilter filter_;
    QStringList words_;  // filter_.text split once, not per row
};

}  // namespace lightning::ui
